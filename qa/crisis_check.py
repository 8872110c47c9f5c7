"""A second, semantic crisis check beside the safety gate's phrase rules: the check-in line.

The phrase rules (:mod:`qa.safety`) miss crisis messages worded in ways nobody wrote a rule for (README
"Answers and safety": a blind set had 37 of 60 caught). This check reads the message's embedding instead —
the vector retrieval computes anyway, so it costs one dot product — through a logistic regression trained
on labelled dev messages by ``eval/train_crisis_check.py`` (weights, threshold and their provenance in
``crisis_check.json`` beside this module). It is noisier than the rules (it fires on some ordinary
messages), so at its threshold it never withholds an answer: when it fires and the gate did not already route the
message to ``crisis``, the answer's ``message`` starts with the gate's ``check_in`` text (a short "help is there"
line with 988 and 911; staff edit it in ``safety_rules.json``) and the answer's ``check_in`` is true. The
crisis card is the rules' decision, and the check's only when it is far surer (round 19, below).

A long message can hide one crisis sentence among ordinary ones ("… if I buy six infusions up front, is the
discount applied? I'm standing on the overpass near my apartment right now typing this."): its mean-pooled
vector then reads as ordinary. So a message of at least ``min_sentences`` sentences (:func:`message_sentences`)
also has each sentence read on its own, and the check fires when one reaches ``sentence_threshold`` — higher
than ``threshold``, because a sentence out of context ("Does it really matter?") is noisier than a message.
Chosen on dev messages the check was not trained on (``eval/train_crisis_check.py``, "Sentences").

Round 19: the crisis card from the check. A fresh blind probe (220 crisis messages) still found 82 the phrase rules
missed — a bridge picked, a rope in the garage, a child who swallowed pills — and each new writer finds such words
again. When the message's own probability reaches ``card_threshold`` (far above ``threshold``) and it has at least
``card_min_words`` words, the pipeline answers with the crisis card, as for a rule; below that the check-in line as
before. The whole message only, never one sentence of it (a sentence alone is noisier). Chosen on dev messages the
check never learnt from (``eval/train_crisis_check.py``, "Round 19").

Round 27: the model is an RBF support-vector machine over the same vectors (:class:`Kernel`; its support vectors
in ``models/crisis_check_svm.npz``, sha256 pinned in the JSON), Platt-scaled to a probability, instead of the
logistic regression: trained on the same dev messages, on 21 dev writer sets neither learnt from it gives nothing to 123
of their 1,650 crisis messages where the logistic gave nothing to 207, and the card to 619 rather than 575, for as
many ordinary cards (3) and a few more lines (283 rather than 245) (``eval/train_crisis_check.py``,
"Round 27"). A check file without ``kernel`` is still read as a logistic regression (``weights``, ``intercept``).

The weights belong to one embedding model: with another (``Settings.model``) the check cannot score and
:meth:`CrisisCheck.load` refuses it (:class:`CrisisCheckError`), so a model change cannot silently turn
it off; retrain with the script.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import QAError

__all__ = ["CRISIS_CHECK_PATH", "MAX_SENTENCES", "CrisisCheck", "CrisisCheckError", "Kernel", "message_sentences"]

CRISIS_CHECK_PATH = Path(__file__).with_name("crisis_check.json")

#: Where a chat message's sentences end: after . ! ? or … (and any closing quote or bracket) before a space, and at
#: line breaks. A regex, not Punkt: importing NLTK costs about 2 s on the first message, and chat messages rarely
#: hold the abbreviations Punkt is for (a split too many only adds a sentence to read).
_SENTENCE_END = re.compile(r"(?:(?<=[.!?\u2026])|(?<=[.!?\u2026][\"'\u201d\u2019)\]]))\s+|\n+")
_WORD = re.compile(r"\w")
_WORDS = re.compile(r"\w+")
#: Sentences of one message read one by one at most (the first ones, repeats read once): a long run of tiny
#: "sentences" ("a. a. a. …") would otherwise cost an embedding each.
MAX_SENTENCES = 24


def message_sentences(text: str) -> list[str]:
    """The sentences of a chat message, stripped, each holding at least one letter or digit."""
    return [part.strip() for part in _SENTENCE_END.split(text) if _WORD.search(part)]


class CrisisCheckError(QAError):
    """The crisis check's weights are unreadable or were trained on another embedding model."""


@dataclass(frozen=True)
class Kernel:
    """An RBF support-vector machine's decision function, Platt-scaled: P(crisis) = sigmoid(a · f(v) + b) with
    f(v) = Σ dual_i · exp(−gamma · ‖v − support_i‖²) + bias, the distances as ‖v‖² + ‖s‖² − 2 v·s: one matrix
    product per message."""

    #: (n, dim): stored as float16, scored in float64, so a message alone or in a batch reads the same.
    support: np.ndarray = field(repr=False)
    #: (n,): each support vector's label × multiplier.
    dual: np.ndarray = field(repr=False)
    gamma: float
    bias: float
    platt: tuple[float, float]
    #: ‖support_i‖², computed once.
    norms: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "norms", (self.support * self.support).sum(axis=1))

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        v = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
        squared = (v * v).sum(axis=1)[:, None] + self.norms[None, :] - 2 * v @ self.support.T
        decision = np.exp(-self.gamma * np.maximum(squared, 0.0)) @ self.dual + self.bias
        a, b = self.platt
        return 1.0 / (1.0 + np.exp(-(a * decision + b)))

    @staticmethod
    def arrays_bytes(support: np.ndarray, dual: np.ndarray) -> bytes:
        """The ``.npz`` bytes of the support vectors (float16: half the size of float32) and the duals."""
        out = io.BytesIO()
        np.savez_compressed(out, support=np.asarray(support, dtype=np.float16), dual=np.asarray(dual, np.float32))
        return out.getvalue()


@dataclass(frozen=True)
class CrisisCheck:
    """P(crisis) for a message's unit embedding ``v`` — the ``kernel``'s since round 27, else sigmoid(intercept +
    weights · v) — fires at ``threshold``."""

    model: str
    weights: np.ndarray = field(repr=False)
    intercept: float
    threshold: float
    provenance: dict = field(default_factory=dict, repr=False)
    #: Fires also when one sentence of a message of ``min_sentences`` or more reaches this (None: whole message only).
    sentence_threshold: float | None = None
    min_sentences: int = 3
    #: A message whose own probability reaches this, with ``card_min_words`` words or more, gets the crisis card (None:
    #: the check never cards; it only adds the check-in line).
    card_threshold: float | None = None
    card_min_words: int = 6
    #: The model since round 27 (None: the logistic regression of ``weights`` and ``intercept``).
    kernel: Kernel | None = None
    #: Where the kernel's arrays are and their sha256 (``to_dict`` writes them back).
    kernel_file: dict = field(default_factory=dict, repr=False)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(crisis) of each of ``vectors`` (rows)."""
        if self.kernel is not None:
            return self.kernel.probabilities(vectors)
        z = self.intercept + np.atleast_2d(np.asarray(vectors, dtype=np.float64)) @ self.weights
        return 1.0 / (1.0 + np.exp(-z))

    def probability(self, vector: np.ndarray) -> float:
        return float(self.probabilities(vector)[0])

    def fires(self, vector: np.ndarray) -> bool:
        return self.probability(vector) >= self.threshold

    def cards(self, text: str, vector: np.ndarray) -> bool:
        """Whether the message ``text`` (``vector``: its embedding) gets the crisis card from the check."""
        return (
            self.card_threshold is not None
            and len(_WORDS.findall(text)) >= self.card_min_words
            and self.probability(vector) >= self.card_threshold
        )

    def sentences(self, text: str) -> list[str]:
        """The distinct sentences of ``text`` to read one by one (:meth:`fires_on_sentences`; at most
        :data:`MAX_SENTENCES`): none when the sentence reading is off or there are fewer than ``min_sentences``."""
        if self.sentence_threshold is None:
            return []
        parts = list(dict.fromkeys(message_sentences(text)))
        return parts[:MAX_SENTENCES] if len(parts) >= self.min_sentences else []

    def fires_on_sentences(self, vectors: np.ndarray) -> bool:
        """Whether one of the sentence ``vectors`` (of :meth:`sentences`) reaches ``sentence_threshold``."""
        if self.sentence_threshold is None or not len(vectors):
            return False
        return bool((self.probabilities(vectors) >= self.sentence_threshold).any())

    def to_dict(self) -> dict:
        kernel = self.kernel
        return {
            "model": self.model,
            "threshold": round(self.threshold, 6),
            "intercept": round(self.intercept, 6),
            "weights": [round(float(w), 6) for w in self.weights],
            **(
                {}
                if kernel is None
                else {
                    "kernel": {
                        **self.kernel_file,
                        "gamma": kernel.gamma,
                        "bias": kernel.bias,
                        "platt": list(kernel.platt),
                        "support_vectors": len(kernel.dual),
                    }
                }
            ),
            "provenance": self.provenance,
            **(
                {}
                if self.sentence_threshold is None
                else {"sentence_threshold": round(self.sentence_threshold, 6), "min_sentences": self.min_sentences}
            ),
            **(
                {}
                if self.card_threshold is None
                else {"card_threshold": round(self.card_threshold, 6), "card_min_words": self.card_min_words}
            ),
        }

    @classmethod
    def load(cls, model: str, dim: int, path: Path | None = None) -> CrisisCheck:
        """The check for embeddings of ``model`` (``dim`` numbers each), from ``path`` (default: beside this module)."""
        path = Path(path) if path is not None else CRISIS_CHECK_PATH
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            meta = data.get("kernel")
            check = cls(
                str(data["model"]),
                np.asarray(data["weights"], dtype=np.float64),
                float(data["intercept"]),
                float(data["threshold"]),
                dict(data.get("provenance", {})),
                None if data.get("sentence_threshold") is None else float(data["sentence_threshold"]),
                int(data.get("min_sentences", 3)),
                None if data.get("card_threshold") is None else float(data["card_threshold"]),
                int(data.get("card_min_words", 6)),
                None if meta is None else _load_kernel(path.parent / str(meta["file"]), str(meta["sha256"]), meta),
                {} if meta is None else {"file": meta["file"], "sha256": meta["sha256"]},
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CrisisCheckError(f"Cannot read the crisis check {str(path)!r}: {exc}") from None
        if check.model != model:
            raise CrisisCheckError(
                f"The crisis check {str(path)!r} was trained on {check.model!r} embeddings, not {model!r}: "
                "retrain it with eval/train_crisis_check.py"
            )
        if check.kernel is not None:
            k = check.kernel
            if (
                k.support.ndim != 2
                or k.support.shape[1] != dim
                or k.dual.shape != (k.support.shape[0],)
                or not (np.isfinite(k.support).all() and np.isfinite(k.dual).all())
                or not (k.gamma > 0 and np.isfinite([k.gamma, k.bias, *k.platt]).all())
            ):
                # A NaN anywhere would make every probability NaN, and a NaN reaches no threshold: the check would be
                # off without a word.
                raise CrisisCheckError(
                    f"The crisis check {str(path)!r} needs support vectors of {dim} finite numbers, one dual each, "
                    "a positive gamma and a finite bias and Platt scaling"
                )
        elif check.weights.shape != (dim,) or not np.isfinite(check.weights).all():
            raise CrisisCheckError(f"The crisis check {str(path)!r} needs {dim} finite weights")
        if not 0 < check.threshold < 1:
            raise CrisisCheckError(f"The crisis check {str(path)!r} needs a threshold in (0, 1)")
        if check.sentence_threshold is not None and not (0 < check.sentence_threshold < 1 and check.min_sentences >= 2):
            raise CrisisCheckError(
                f"The crisis check {str(path)!r} needs a sentence_threshold in (0, 1) and min_sentences of at least 2"
            )
        card = check.card_threshold
        if card is not None and not (check.threshold < card < 1 and check.card_min_words >= 1):
            raise CrisisCheckError(
                f"The crisis check {str(path)!r} needs a card_threshold above its threshold and below 1, "
                "and card_min_words of at least 1"
            )
        return check


def _load_kernel(path: Path, sha256: str, meta: dict) -> Kernel:
    """The kernel of a check file: its arrays from ``path`` (checked against ``sha256``) and ``meta``'s numbers."""
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"{path.name} does not match its sha256 (damaged or replaced: retrain the check)")
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        support, dual = arrays["support"].astype(np.float64), arrays["dual"].astype(np.float64)
    a, b = (float(x) for x in meta["platt"])
    return Kernel(support, dual, float(meta["gamma"]), float(meta["bias"]), (a, b))
