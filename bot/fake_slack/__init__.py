"""A stand-in for Slack on loopback, and requests signed as Slack signs them."""

from bot.fake_slack.requests import SlackRequests, http_post, sign
from bot.fake_slack.server import Call, FakeSlack

__all__ = ["Call", "FakeSlack", "SlackRequests", "http_post", "sign"]
