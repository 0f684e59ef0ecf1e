"""A Bolt app whose only listener acknowledges /hlm: the baseline of the latency benchmark."""

from __future__ import annotations

import sys

import waitress
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient


def main(port: int, secret: str, api_url: str) -> None:
    """Serve the bare app on a loopback port, like `hlm serve`."""
    client = WebClient(token="xoxb-bare", base_url=api_url)
    app = App(client=client, signing_secret=secret, token_verification_enabled=False)

    @app.command("/hlm")
    def ack_only(ack: Ack) -> None:
        ack()

    waitress.serve(SlackRequestHandler(app), host="127.0.0.1", port=port, threads=8, _quiet=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3])
