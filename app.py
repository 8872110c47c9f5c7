"""Minimal Gradio page until the full app lands: a question box showing what `qa ask` returns."""

from __future__ import annotations

import argparse
import json

import gradio as gr

from qa import Pipeline, QAError


def build_app(pipeline: Pipeline) -> gr.Blocks:
    def ask(question: str) -> str:
        try:
            return json.dumps(pipeline.ask(question).to_dict(), ensure_ascii=False, indent=2)
        except QAError as exc:
            raise gr.Error(str(exc)) from None

    with gr.Blocks(title="Ketamine therapy questions") as demo:
        box = gr.Textbox(label="Your question")
        out = gr.Code(label="Answer", language="json")
        box.submit(ask, box, out, api_name="ask")
    return demo


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Serve the clinic's question-answering app.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    build_app(Pipeline()).launch(server_name=args.host, server_port=args.port)
