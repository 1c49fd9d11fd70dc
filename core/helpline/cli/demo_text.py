"""Vocabulary and templates for demo data: people, companies and support conversations."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

# fmt: off
FIRST_NAMES = (
    "Ada Alan Alex Alice Amara Amelia Ana Andrea Anna Arjun Ben Bianca Carlos Chen Chloe Clara "
    "Daniel David Diego Elena Eli Emma Ethan Fatima Felix Fiona Grace Hana Hannah Hugo Ines Isaac "
    "Ivan Jack Jana Javier Jin Jonas Julia Kai Karim Kate Lars Laura Leo Lina Lucas Luis Maya "
    "Mei Mia Miguel Mila Nadia Naomi Nina Noah Nora Oliver Omar Oscar Paula Pedro Priya Rafael "
    "Rita Rosa Ryan Sam Sara Sofia Sven Tara Theo Tom Uma Vera Victor Yara Yusuf Zoe"
).split()
LAST_NAMES = (
    "Abbott Adams Ahmed Alvarez Andersen Baker Bauer Becker Bianchi Brown Campbell Carter Chen "
    "Costa Cruz Dubois Eriksen Evans Fischer Garcia Gomez Green Hansen Hoffmann Ito Jensen Johnson "
    "Kim Klein Kowalski Larsen Lee Lopez Martin Meyer Moreau Muller Murphy Nakamura Nguyen Novak "
    "Okafor Olsen Patel Perez Petrov Quinn Reyes Richter Rossi Russo Sato Schmidt Schulz Silva "
    "Singh Smith Sousa Tanaka Taylor Thomas Walker Weber Wilson Wong Yamamoto Young Zhang"
).split()
COMPANY_WORDS = (
    "Acme Alpine Apex Arbor Atlas Aurora Beacon Birch Blue Bright Cedar Cobalt Copper Crescent "
    "Delta Ember Evergreen Falcon Fern Granite Harbor Horizon Iron Juniper Keystone Lumen Maple "
    "Meridian Nimbus North Oak Orbit Pine Polar Prairie Quartz Redwood River Sage Sierra Silver "
    "Spruce Summit Tidal Titan Vertex Willow Zenith"
).split()
COMPANY_KINDS = (
    "Analytics Bakery Builders Clinic Consulting Design Dynamics Energy Foods Freight Health "
    "Labs Logistics Media Motors Outfitters Partners Robotics Software Studio Systems Travel"
).split()
TEAMS = (
    ("Tier 1 Support", "First line: every new request lands here."),
    ("Technical", "Bugs, outages, integrations and the API."),
    ("Billing", "Invoices, refunds, plans and payments."),
    ("Enterprise", "Accounts with a dedicated success manager."),
    ("Onboarding", "New customers and how-to questions."),
)
TIMEZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
             "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney")
CHANNELS = ("email", "web", "chat", "phone", "api")
CHANNEL_WEIGHTS = (40, 25, 16, 11, 8)

_SLOTS: dict[str, Any] = {
    "invoice": lambda r: r.randint(1000, 99999),
    "order": lambda r: r.randint(100000, 999999),
    "code": lambda r: r.choice((400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504)),
    "product": lambda r: r.choice(("iOS", "Android", "desktop", "web", "Mac", "Windows")),
    "action": lambda r: r.choice(("uploading a photo", "opening settings", "exporting a report",
                                  "switching accounts", "adding a new user", "printing labels")),
    "browser": lambda r: r.choice(("Chrome", "Firefox", "Safari", "Edge")),
    "weekday": lambda r: r.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
    "task": lambda r: r.choice(("add a teammate", "change my billing email", "export all contacts",
                                "set up SSO", "rename our workspace", "connect Slack",
                                "change the invoice address", "restore a deleted project")),
    "feature": lambda r: r.choice(("dark mode", "bulk editing", "a public API for reports",
                                   "CSV import", "two-factor login by app",
                                   "custom fields on orders", "a German translation",
                                   "scheduled exports")),
    "integration": lambda r: r.choice(("Salesforce", "HubSpot", "Shopify", "Slack", "Zapier",
                                       "Xero")),
    "plan": lambda r: r.choice(("Starter", "Team", "Business", "Enterprise")),
    "count": lambda r: r.randint(2, 40),
    "when": lambda r: r.choice(("yesterday", "this morning", "after the last update",
                                "since Monday", "two days ago", "about an hour ago")),
    "account": lambda r: f"AC-{r.randint(10000, 99999)}",
    "jira": lambda r: f"ENG-{r.randint(1000, 9999)}",
    "amount": lambda r: f"{r.randint(9, 900)}.{r.randint(0, 99):02d}",
}

# fmt: on


class Slots(dict):
    """Template values made on first use, so a ticket's subject and body agree on them."""

    def __init__(self, rng: random.Random, **known: Any) -> None:
        super().__init__(known)
        self.rng = rng

    def __missing__(self, key: str) -> Any:
        value = self[key] = _SLOTS[key](self.rng)
        return value


@dataclass(frozen=True)
class Topic:
    """A kind of request: its subjects, first messages, agent answers and likely tags."""

    name: str
    weight: int
    type: str
    team: str
    priorities: dict[str, int]
    tags: tuple[str, ...]
    subjects: tuple[str, ...]
    problems: tuple[str, ...]
    answers: tuple[str, ...]


# fmt: off
_USUAL = {"low": 22, "normal": 60, "high": 14, "urgent": 4}
TOPICS = (
    Topic("access", 18, type="question", team="Tier 1 Support", priorities=_USUAL,
          tags=("login", "password", "2fa", "sso", "account"),
          subjects=("Cannot log in after password reset", "Locked out of my account",
                    "Two-factor code never arrives", "SSO login fails with error {code}",
                    "Password reset email not received", "Account locked after too many attempts"),
          problems=("Since {when} I cannot log in. I reset my password twice and it still says "
                    "the credentials are wrong.",
                    "The two-factor code by SMS never arrives, so I am stuck at the login page.",
                    "Signing in through our company SSO ends with error {code}. Colleagues "
                    "have the same problem.",
                    "I asked for a password reset {when} but no email came, not even in spam."),
          answers=("I have reset the login attempts on your account and sent a fresh reset link. "
                   "Please use it within the next hour.",
                   "Our SMS provider had delays in your region. I switched your account to codes "
                   "by email for now.",
                   "Your identity provider sends an expired certificate. Could your IT team "
                   "upload the new one under Settings > Security?")),
    Topic("billing", 18, type="question", team="Billing", priorities=_USUAL,
          tags=("billing", "invoice", "refund", "payment", "subscription"),
          subjects=("Invoice #{invoice} charged twice", "Refund for order #{order}",
                    "Card declined when renewing our subscription",
                    "Need a copy of invoice #{invoice}", "Wrong VAT on invoice #{invoice}",
                    "Downgrade from {plan} plan"),
          problems=("Our card was charged twice for invoice #{invoice} ({amount} EUR each).",
                    "We cancelled order #{order} within the trial period and would like a refund.",
                    "The renewal of our {plan} plan fails: the card is declined although it works "
                    "everywhere else.",
                    "Invoice #{invoice} shows VAT although we entered our VAT ID ({account})."),
          answers=("The second charge was only an authorization and has been released; it will "
                   "disappear from your statement within a few days.",
                   "I have issued the refund of {amount} EUR; depending on your bank it takes 5 to "
                   "10 business days.",
                   "I corrected the VAT ID on your account and re-issued invoice #{invoice}.")),
    Topic("bug", 16, type="incident", team="Technical",
          priorities={"low": 10, "normal": 50, "high": 30, "urgent": 10},
          tags=("bug", "crash", "mobile", "regression", "ui"),
          subjects=("{product} app crashes when {action}", "Error {code} when saving changes",
                    "Export to CSV produces an empty file",
                    "Dashboard totals wrong since {weekday}",
                    "Page keeps loading forever in {browser}", "Buttons missing after the update"),
          problems=("The {product} app crashes every time when {action}. I reinstalled it already.",
                    "When I save any change I get error {code}. It started {when}.",
                    "The CSV export finishes but the file is empty. This worked last week.",
                    "In {browser} the page keeps loading forever; other browsers are fine."),
          answers=("Thanks for the details. We reproduced the crash and a fix ships in the next "
                   "release; until then, please use the web app for this.",
                   "This was caused by a faulty deploy {when}. It has been rolled back; could you "
                   "try again?",
                   "Clearing the site data in {browser} should fix this; the old cached script "
                   "conflicts with the new version.")),
    Topic("howto", 16, type="question", team="Onboarding", priorities=_USUAL,
          tags=("how-to", "onboarding", "documentation", "settings"),
          subjects=("How do I {task}?", "Where can I {task}?", "Is there a way to {task}?",
                    "Question about user permissions", "Help with the initial setup"),
          problems=("We are new here. How do I {task}? I could not find it in the docs.",
                    "Is there a way to {task}? We have {count} people who need this.",
                    "Could you walk me through how to {task}?"),
          answers=("You can do this under Settings > Workspace. Here is the article with "
                   "screenshots: https://help.example/articles/{count}",
                   "Only admins can do this. Once you have the admin role, the option appears in "
                   "the top right menu.",
                   "I recorded a short video showing the steps; you will find it in the help "
                   "center under Getting started.")),
    Topic("feature", 8, type="feature_request", team="Onboarding",
          priorities={"low": 60, "normal": 38, "high": 2},
          tags=("feature-request", "feedback", "integrations"),
          subjects=("Feature request: {feature}", "Would love to see {feature}",
                    "Please add {feature}", "Suggestion: integration with {integration}"),
          problems=("It would help us a lot to have {feature}. Is this on your roadmap?",
                    "We use {integration} every day. An integration would save us hours."),
          answers=("Thank you for the suggestion! I added your vote to the request; our product "
                   "team reviews these every month.",
                   "Good news: {feature} is planned for the next quarter. I will let you know "
                   "when it is available.")),
    Topic("orders", 10, type="issue", team="Tier 1 Support", priorities=_USUAL,
          tags=("shipping", "delivery", "order", "returns"),
          subjects=("Order #{order} has not arrived", "Package damaged on delivery",
                    "Change delivery address for order #{order}",
                    "Return label for order #{order}"),
          problems=("Order #{order} was due {when} but tracking has not changed for days.",
                    "The package for order #{order} arrived damaged; two items are broken.",
                    "Can you still change the delivery address of order #{order}?"),
          answers=("The carrier confirmed the parcel was delayed at the depot; it is out for "
                   "delivery today.",
                   "Sorry about that! A replacement for order #{order} is on its way and the "
                   "return label is attached.")),
    Topic("outage", 6, type="incident", team="Technical",
          priorities={"normal": 20, "high": 40, "urgent": 40},
          tags=("outage", "performance", "api", "webhooks", "sync"),
          subjects=("API returning {code} errors", "Very slow response times today",
                    "Webhooks stopped firing", "Sync with {integration} stopped working"),
          problems=("Since {when} about half of our API calls fail with {code}. This blocks our "
                    "checkout.",
                    "Everything is extremely slow today; loading a list takes over a minute.",
                    "Our webhooks stopped arriving {when}; nothing changed on our side."),
          answers=("We had a partial outage in one region; it is resolved and the backlog has "
                   "been replayed.",
                   "Rate limits were applied to your key by mistake. I removed them; calls should "
                   "succeed again.")),
    Topic("privacy", 8, type="question", team="Tier 1 Support", priorities=_USUAL,
          tags=("gdpr", "data-export", "security", "account"),
          subjects=("Please delete my personal data", "Request for a data export",
                    "Suspicious login notification", "Can we get our audit log?"),
          problems=("Under the GDPR I would like all my personal data deleted.",
                    "We need an export of all our data ({account}) for an audit.",
                    "I got a notification about a login from a country I have never been to."),
          answers=("Your data export is ready; the download link was sent to your email and is "
                   "valid for 7 days.",
                   "I signed out all sessions and reset your password; please also turn on "
                   "two-factor login.")),
)
TOPIC_WEIGHTS = tuple(t.weight for t in TOPICS)
EXTRA_TAGS = ("vip", "feedback", "escalated", "first-contact", "follow-up", "billing-error")
TAGS = tuple(sorted({tag for t in TOPICS for tag in t.tags} | set(EXTRA_TAGS)))

GREETINGS = ("Hi,", "Hello,", "Hi there,", "Good morning,", "Hello support team,", "Dear support,")
DETAILS = ("I already tried another browser and clearing the cache.", "This started {when}.",
           "It affects {count} people on our team.", "Our account ID is {account}.",
           "It is quite urgent for us.", "", "", "")
CLOSINGS = ("Thanks in advance,", "Thanks,", "Best regards,", "Cheers,", "Kind regards,")
FOLLOW_UPS = ("I tried that, but it is still not working: same error as before.",
              "Here is more detail: it only happens for some users, not all of them.",
              "It happened again this morning. Could you check once more?")
CHASERS = ("Any update on this? We are still blocked.",
           "Just checking in: is anyone looking at this?",
           "Hello? We still need help with this, please.")
THANKS = ("Thanks, that worked!", "Perfect, all good now. Thank you!",
          "Confirmed, it is fixed. Thanks for the quick help.")
AGENT_FOLLOW_UPS = ("Thanks for checking. I have escalated this to our engineers ({jira}).",
                    "Could you send me a screenshot of the error and the time it happened?",
                    "I looked into this again and applied a fix on our side. Can you try again?")
PENDING_ASKS = ("Could you confirm whether this is still happening on your side?",
                "Can you send us the exact time and the email of an affected user?")
NOTES = ("Reproduced on staging, filed {jira}.", "Customer is on the {plan} plan; renewal soon.",
         "Checked the logs: the errors match the incident from {weekday}.",
         "Escalated to tier 2, waiting for engineering.", "Second contact about this; be careful.",
         "Payment provider confirms the duplicate authorization.")

# fmt: on


def customer_message(rng: random.Random, topic: Topic, slots: Slots, first_name: str) -> str:
    """A customer's first message on a topic, with greeting and sign-off."""
    problem = rng.choice(topic.problems).format_map(slots)
    detail = rng.choice(DETAILS).format_map(slots)
    body = f"{rng.choice(GREETINGS)}\n\n{problem} {detail}".rstrip()
    return f"{body}\n\n{rng.choice(CLOSINGS)}\n{first_name}"


def phone_note(rng: random.Random, topic: Topic, slots: Slots, first_name: str) -> str:
    """What an agent writes down while taking a customer's call."""
    problem = rng.choice(topic.problems).format_map(slots)
    return f"Phone call from {first_name}.\n\n{problem}"


def customer_reply(
    rng: random.Random, slots: Slots, first_name: str, texts: tuple[str, ...]
) -> str:
    text = rng.choice(texts).format_map(slots)
    return f"{text}\n\n{first_name}"


def agent_reply(
    rng: random.Random, texts: tuple[str, ...], slots: Slots, customer: str, agent: str
) -> str:
    text = rng.choice(texts).format_map(slots)
    return f"Hi {customer},\n\n{text}\n\nBest,\n{agent}\nCustomer Support"


def note(rng: random.Random, slots: Slots) -> str:
    return rng.choice(NOTES).format_map(slots)
