"""A stand-in for Slack on loopback, and requests signed as Slack signs them."""

from fake_slack.requests import SlackRequests, http_post, sign
from fake_slack.server import Call, FakeSlack, Stats

__all__ = ["Call", "FakeSlack", "SlackRequests", "Stats", "http_post", "sign"]
