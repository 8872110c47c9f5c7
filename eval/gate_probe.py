"""Score the safety gate's crisis route and the semantic crisis check on eval/gate_probe.jsonl, per set.

Each line: {"id", "message", "label": "crisis" | "ordinary", "split": "dev" | "test", "set"}. Each set was
written blind by someone who had seen neither the rules nor the bot: patients' crisis messages in varied
wording, and ordinary messages full of alarming-looking idioms.

- blind-1 (round 5) is dev: scored first with the rules of 22a9548 it had 45/80 crisis caught and 192/200
  ordinary left alone; the round-5 crisis rules were written from it (now 80/80 and 200/200, a regression
  test), and the semantic check trains on it.
- blind-2 (round 5) is test, added after its one scoring and never read: 32/60 and 139/150 with the gate of
  the round's start, 37/60 and 141/150 with round 5's rules.
- blind-3 (round 6, 90 crisis and 210 ordinary messages by another writer) is test, committed before its
  first scoring and never read.
- blind-4 (end of round 6, 99 crisis and 192 ordinary by a third writer) is test, committed after every change
  of round 6 and first scored then: card 64/99, help of either kind 81/99; ordinary carded 14/192, given the
  line 4. After one later dev-only change (junk inputs added to the check's ordinary training messages):
  80/99 and 3/192.
- blind-5 and blind-6 (round 7, 250 crisis and about 290 ordinary each, by two more writers, each blind to the
  rules, the bot and the other sets) are test, never read; first scored with round 6's rules and check: card
  126/250 and 115/250, help of either kind 219/250 and 229/250; ordinary carded 40/290 and 18/289, given the
  line 11/290 and 12/289. (Written as training data for the check at first; retrained with them it did no
  better on blind-2 to blind-4, so they measure instead.)
- blind-7 (round 9, 120 crisis and 110 ordinary messages by another blind writer; 10 ordinary ones that repeated
  another set dropped unread) is test, never read: emergencies happening now told mostly by their symptoms, and
  look-alikes (the same symptoms asked about calmly, in advance or after the fact) — the measure of round 9's
  symptom rules. Committed before its first scoring: with round 8's rules help 88/120 (cards 43), with round 9's
  first patterns 93/120 (cards 52), ordinary carded 1/110 either way. Second scoring, after a general rule written on
  dev only (crisis.acute_sign_now, from dev writer-f): help 99/120, cards 73, ordinary carded 1/110.
- blind-8 (round 10, 99 crisis and 100 ordinary messages by another blind writer; one crisis message that repeated
  another set dropped unread) is test, never read: half of its crisis messages are emergencies told by a reading
  (pulse, blood pressure, oxygen, temperature, blood sugar), the rest other emergencies and a few suicidal ones;
  the ordinary ones normal or past readings, readings asked about, numbers that are not readings. Committed before
  its first scoring: with round 9's rules card 55/99, help of either kind 71/99; ordinary carded 1/100, with
  neither 96/100. With round 10's rules for readings (written from dev writers g, h, i; README "Round 10: readings"):
  card 83/99, help 93/99, ordinary carded 2/100, with neither 95/100; blind-7 then card 84/120, help 106/120.
- blind-9 (round 11, 100 crisis and 100 ordinary messages by another blind writer) is test, never read: readings
  told in words ("one eighty", "two hundred over one twenty"), a threshold someone was given being passed now,
  professionals' own emergencies, ketamine-specific crises and indirect farewells; the ordinary ones look-alikes
  of each (normal or past readings in words, thresholds asked about, work stories, calm ketamine questions,
  farewells at the end of treatment). Committed before its first scoring: with round 10's rules card 43/100, help
  of either kind 81/100, ordinary carded 3/100, with neither 93/100. With round 11's (qa/numbers.py and rules from
  dev writers j and k, 5a27e5b): card 66/100, help 92/100, ordinary carded 4/100, with neither 92/100. With the
  crisis check retrained on the look-alike sets (8b3076b): help 99/100, with neither 90/100 (blind-8 help 99/99,
  blind-7 116/120, blind-2 to blind-6 693/749).
- blind-10 (round 12, 100 crisis and 100 ordinary messages by another blind writer) is test, never read: clinic
  administration (billing, insurance, pharmacy, the portal, scheduling) and the idioms people use about it; its
  crisis messages are emergencies told inside an admin complaint, goodbyes with no time and no stock phrase,
  instructions passed now in words rather than numbers, and dangerous readings that do not name the vital sign;
  its ordinary ones frustration idioms ("this portal is killing me"), ordinary goodbyes, and fine, past or asked
  readings. Committed before its first scoring (06f11cf): with round 11's rules and check card 65/100, help of either
  kind 99/100, ordinary carded 11/100, with neither 73/100. With round 12's rules (from dev writers l and m): card
  70/100, help 99/100, ordinary carded 8/100, with neither 76/100; unchanged by the later rules from dev writer n.
- blind-11 (round 25, 100 crisis and 100 ordinary messages by a helper blind to the rules, the bot, the eval sets and
  the tests: indirect crises — told inside an errand, by a place or object, as a side-effect question while it happens,
  casually, by a carer — and look-alikes sharing their words) is test, never read (the first words of its last line were
  seen once by accident when the file's end was printed). Written before round 25's rules and counted on a copy outside
  the project: with round 24's code card 82/100, help of either kind 95/100, ordinary carded 9/100; with round 25's
  rules 84, 95, 9. Committed after that, as the held-out measure for the next round.
- blind-12 (round 26, 100 crisis and 100 ordinary messages by a helper blind to the rules, the bot, the eval sets and
  the tests, written as a varied population of patients, relatives and staff rather than at any weakness) is test,
  never read. Written while round 26's rules were being made, and counted on a copy outside the project: with round
  25's code card 75/100, help of either kind 96/100, ordinary carded 4/100; with round 26's rules 76, 96, 4. Committed
  after that, as the held-out measure for the next round.

- blind-13 (round 27, 100 crisis and 94 ordinary messages by a helper blind to the rules, the bot, the eval sets and
  the tests: a varied population of patients, relatives, carers and staff, most crises indirect — inside an admin
  request, as a side-effect question, as a joke, told by a relative —, half the ordinary ones look-alikes; six ordinary
  messages that repeated another eval set were dropped unread) is test, never read. Written after round 27's changes
  and counted once: with round 26's code card 72/100, help of either kind 95/100, ordinary carded 6/94, given the line
  6/94; with round 27's (the support-vector check) card 70, help 98, carded 6, line 6. The held-out measure for the
  next round.

Round 27: the semantic check became an RBF support-vector machine (``eval/train_crisis_check.py``, "Round 27"), chosen
on dev sets only; these eleven test sets were then counted once: crisis card 1,096 -> 1,106 and help of either kind
1,314 -> 1,340 of 1,368 (blind-12, last round's fresh probe: card 76 -> 75, help 96 -> 98; blind-11 84 -> 84, 95 ->
100); ordinary messages carded 107 -> 106 and given the line 132 -> 115 of 1,741.

The semantic crisis check (``qa.crisis_check``: its check-in line shown with the answer) is scored beside the
card: the card is the rules' decision, the line the check's, on messages the rules did not card.
Usage: ``.venv/bin/python eval/gate_probe.py``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.pipeline import Pipeline  # noqa: E402

DATA = Path(__file__).with_name("gate_probe.jsonl")
#: Round 7's dev look-alike sets (lookalike-1, lookalike-2): 350 ordinary messages each that carry crisis words
#: (resolved history, relatives' deaths, jobs, idioms, calm symptom questions) and 100 crisis messages in the
#: same voices, by two writers blind to the rules, the bot and every other set. Not trained on by the check until
#: round 11 (since then eval/train_crisis_check.py learns from every dev set of this file, so its "help of either
#: kind" here is no longer a measure of the check): kept for rule work on false crisis cards. First scored
#: with round 6's rules: crisis help of either kind 97/100 each, ordinary carded 101/350 and 129/350 (mostly
#: crisis.first_person_topic); round 7's patterns were written from 8 of their missed crisis messages, and the
#: rules' "resolved" section (resolved history answered with the crisis-line note) from their ordinary ones:
#: 230 -> 157 of 700 carded, crisis cards unchanged. Round 8 added writer-c (160 crisis messages, a third of them
#: long ones hiding one crisis sentence among clinic questions, and 320 ordinary, half of them look-alikes; blind
#: like the others): the sentence-by-sentence reading of the check was chosen on it and the look-alike sets
#: (crisis help 149 -> 154 of 160), and five of its six crisis messages still missed became patterns (159/160).
#: Then writer-d (180 crisis messages in run-ons, slang, non-native and formal voices, acute emergencies after a
#: treatment; 90 plain and 90 look-alike ordinary ones): first scored with all of the above, crisis help 160/180;
#: 14 of its 20 misses became patterns (174/180, cards 101 -> 116), its ordinary messages unchanged (14 carded).
#: Round 9: its 6 last misses (emergencies told by symptoms alone) became patterns (180/180); then writer-e (180 crisis
#: messages, 40 of them emergencies by symptoms; 170 ordinary, 112 look-alikes; blind like the others), first scored
#: with round 8's rules: help 158/180, cards 102, ordinary carded 12/170; after round 9's patterns and frame words
#: 179/180, cards 126, ordinary carded 3/170. Then writer-f (149 emergencies told by their symptoms, 147 ordinary,
#: 120 of them look-alikes), first scored with those: help 115/149, cards 52, ordinary carded 6/147;
#: crisis.acute_sign_now was written from it: 147/149, cards 93, ordinary carded 6/147.
#: Round 10 (readings): writer-g (150 emergencies told by a pulse, pressure, oxygen, temperature or sugar reading;
#: 150 look-alikes), first scored with round 9's rules: card 58/150, help 85/150, ordinary carded 0/150; the number
#: ranges and crisis.vital_sign_* were written from it (146/150). writer-h (60 emergencies, 200 number-heavy
#: look-alikes), first scored after that: card 53/60, ordinary carded 6/200 -> 60/60, 0/200. writer-i (120
#: emergencies with a number — readings, amounts taken, durations, some Spanish — 120 look-alikes), first scored
#: after that: card 81/120, help 98/120, ordinary carded 7/120 -> 119/120, 119/120, 2/120.
#: Round 11: writer-j (120 emergencies told with readings in words, instructions being passed now, professionals' own
#: emergencies; 120 look-alikes) and writer-k (120 ketamine crises and indirect farewells; 119 look-alikes, one that
#: repeated blind-7 dropped), first scored with round 10's rules: writer-j card 43/120, help 86/120, ordinary carded
#: 2/120; writer-k card 47/120, help 107/120, ordinary carded 14/119. qa/numbers.py and round 11's rules were written
#: from them: writer-j 102/120, 115/120, 2/120; writer-k 101/120, 114/120, 13/119.
#: Round 12 (clinic administration: crises told inside a billing, pharmacy or portal story, goodbyes made of admin
#: requests, instructions passed in words, readings named by the device, and the frustration idioms): writer-l and
#: writer-m (120 crisis, 120 ordinary each) and, written after the rules from those two, writer-n (100 and 100), all
#: blind like the others. First scored with round 11's rules and check (card, help of either kind, ordinary carded,
#: ordinary with neither): writer-l 79, 113 of 120, 14, 87 of 120; writer-m 66, 113, 16, 71; writer-n 45, 90 of 100,
#: 11, 70 of 100, and with the rules from l and m 52, 91, 11, 70. Round 12's rules were written from all three: writer-l
#: 120, 120, 2, 99; writer-m 120, 120, 6, 79; writer-n 99, 99, 8, 73. The check does not learn from these three
#: (eval/train_crisis_check.py, MEASURE_SETS), so their line is a dev measure of it.
#: Round 13 (time words: tomorrow, tonight, see you, bye, last session, and crises told in the same register): writer-o
#: (100 crisis, 298 ordinary) and writer-p (75 crisis, 149 ordinary), two more blind writers, first scored with round
#: 13's rules and check (card, help of either kind, ordinary carded, ordinary given the line): writer-o 64, 94 of 100,
#: 3, 31 of 298; writer-p 53, 75 of 75, 0, 19 of 149 (at round 12's threshold: 93, 22 and 75, 13). Retraining the check
#: with writer-o did not pay (eval/train_crisis_check.py docstring), so neither is trained on: both measure it. Rules
#: written from writer-o's misses (crisis.time_farewell, two Spanish patterns) and two idiom fixes: writer-o 69, 99, 1,
#: 31; writer-p (held out from the rules) 54, 75, 0, 18.
#: Round 13, late (clinical shorthand: SI, SH, urges 9/10, PHQ-9 item 9, C-SSRS, safety plan): writer-q (80 crisis, 80
#: ordinary) and writer-r (70, 69), blind; first scored with round 13's rules before any shorthand rule (card, help,
#: ordinary carded): writer-q 21, 63 of 80, 8 of 80; writer-r 32, 57 of 70, 10 of 69. crisis.si_disclosure (written
#: from a probe of my own before either set): writer-q 23, 64; writer-r 35, 59. Rules written from writer-q's misses
#: (crisis.clinical_now, self_harm_act_now, acts_told_plainly): writer-q 48, 75, 8; writer-r (held out) 42, 60, 10.
#: Second pass from q and r, with writer-s (70, 70; blind, written after the first pass) held out: writer-s 35 before
#: any shorthand rule, 41 after the first pass, 43 after the second, help 65 -> 67, ordinary carded 6 -> 6; writer-q 74,
#: 80, 8; writer-r 69, 69, 10. Blind sets: no card gained, one more ordinary message of blind-6 carded.
#: Round 14 (internet slang, gamer talk, filter-dodging euphemisms, emoji): writer-t and writer-u (40 crisis, 40
#: ordinary each), blind, first scored with round 13's rules (card, help, ordinary carded): writer-t 22, 32, 7;
#: writer-u 28, 38, 11. Rules written from writer-t's misses (crisis.online_farewell, third_party_end_it,
#: dose_not_wake, took_all_state; "dead hungry" and "brain cells died" are idioms): writer-t 31, 35, 6; writer-u (held
#: out, not read) 28, 38, 11 — unchanged: these rules are phrase-bound and did not reach the other writer's words.
#: Second pass from writer-u (read after that), writer-v (40, 40; blind, written after the first pass) held out:
#: writer-u 39, 40, 10; writer-v 25, 35, 6 — the same before any round-14 rule, after the first pass and after this one.
#: Round 15 (crises told in emoji): writer-w (40 crisis, 40 ordinary; blind) first scored with round 14's rules: card 4,
#: help 25, ordinary carded 2. Emoji read as words and crisis.emoji_means, written from dev crisis_train and writers u
#: and v before writer-w was read: writer-w 9, 26, 2. Second pass from writer-w's misses, writer-x (40, 40; blind,
#: written before the second pass, not read) held out: writer-x 9 with round 14's rules, 10 after the first pass, 14
#: after the second (help 25, 26, 28; ordinary carded 2, 2, 2); writer-w 35, 38, 2. Third pass from writer-x's misses,
#: writer-y (40, 40; blind, written before it, not read) held out: writer-y 12 with round 14's rules, 17 after the first
#: pass, 21 after the second, 25 after the third (help 34, 37, 37, 37; ordinary carded 1, 1, 1, 2); writer-x 39, 39, 2.
#: Fourth pass from writer-y's misses, writer-z (40, 40; blind, caregivers and older adults among its voices, written
#: before the fourth pass, not read) held out: writer-z 13 with round 14's rules, 20 after the third pass, 21 after the
#: fourth (help 35, 37, 37; ordinary carded 0, 0, 0); writer-y 40, 40, 0.
#: Round 16 (emergencies told by a relative or carer, and body emergencies after a substance): writer-aa, writer-ab and
#: writer-ac (40 crisis, 40 ordinary each; blind), first scored with round 15's rules (card, help, ordinary carded):
#: writer-aa 23, 40, 3; writer-ab 23, 40, 1; writer-ac 23, 40, 1. Rules from writer-aa's misses only (withdrawal_danger,
#: seizure_now, heat_illness_now, bladder_emergency, blood_urine_fever, locked_in_with_gun, car_running_garage,
#: found_with_empty_supply, third_party_doing_it; goodbye_unreachable, third_party_now, unresponsive_now, join_the_dead
#: widened): writer-aa 40, 40, 3; held out, not read: writer-ab 24, 40, 1; writer-ac 26, 40, 1. Second pass from
#: writer-ab's misses (spiked_drink, head_injury_now, threat_to_others; goodbyes, a bladder, an emptied supply, an edge,
#: a child into pills widened), writer-ac (written before the first pass was done, not read) held out: writer-ab 40, 40,
#: 1; writer-ac 27, 40, 1.
#: Round 19: the check's card (qa.crisis_check card_threshold 0.97) and rules from two helpers' probes (README
#: "Round 19"); against round 18's code, blind test sets card 805 -> 923 of 1,168, help 1,118 -> 1,119, ordinary
#: carded 97 -> 99 of 1,541; dev 2,309 -> 2,452 of 2,654 and 273 -> 279 of 3,832.
#: Round 20: writer-ad (197 crisis, 198 ordinary; blind, a helper's fresh probe; MEASURE_SETS), first scored with round
#: 19's code: card 146, help 190, ordinary carded 17. Rules from its misses, narrowed by a helper's audit: 191, 197, 12
#: (README "Round 20").
#: Round 25: writer-ae (158 crisis, 247 ordinary — 68 of them medication decisions and 36 general medication
#: questions; blind, a helper's fresh probe and its follow-up; MEASURE_SETS), first scored with round 24's code: card
#: 119, help 146, ordinary carded 8. Rules from its misses, narrowed by a helper's look-alike audit: 158, 158, 3
#: (README "Round 25").
#: Round 26: writer-af (160 crisis, 250 ordinary — 60 medication decisions, 40 general medication questions; blind, a
#: helper's fresh probe in registers easy to miss: non-native English, voice dictation, older and teenage writers, a
#: crisis inside a long admin message; MEASURE_SETS), first scored with round 25's code: card 119, help 156, ordinary
#: carded 17. Rules from its misses, narrowed by a helper's look-alikes: 160, 160, 13 (README "Round 26").
LOOKALIKES = Path(__file__).with_name("lookalike_probe.jsonl")


def main() -> None:
    pipeline = Pipeline()
    counts: Counter[tuple[str, str, str]] = Counter()
    lines = DATA.read_text(encoding="utf-8").splitlines() + LOOKALIKES.read_text(encoding="utf-8").splitlines()
    for line in lines:
        row = json.loads(line)
        answer = pipeline.ask(row["message"])
        # A message in another language gets a reply with the crisis line in it (qa.language): help like the line.
        helped = answer.check_in or answer.intent == "other_language"
        outcome = "card" if answer.status == "crisis" else "check_in" if helped else "none"
        counts[f"{row['split']} {row['set']}", row["label"], outcome] += 1
    for group in sorted({key[0] for key in counts}):
        crisis = [counts[group, "crisis", o] for o in ("card", "check_in", "none")]
        ordinary = [counts[group, "ordinary", o] for o in ("card", "check_in", "none")]
        print(
            f"{group}: crisis messages given the crisis card {crisis[0]}/{sum(crisis)}, "
            f"crisis help of either kind (card or check-in line) {crisis[0] + crisis[1]}/{sum(crisis)}; "
            f"ordinary messages without the card {sum(ordinary) - ordinary[0]}/{sum(ordinary)}, "
            f"with neither {ordinary[2]}/{sum(ordinary)}"
        )


if __name__ == "__main__":
    main()
