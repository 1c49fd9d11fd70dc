"""The demo help centre's categories and articles (Markdown), used by `demo.py`."""

from __future__ import annotations

#: (slug, name, description)
CATEGORIES = (
    ("getting-started", "Getting started", "Set up your account and invite your team."),
    ("account-billing", "Account & billing", "Plans, invoices, payments and your profile."),
    ("troubleshooting", "Troubleshooting", "Fixes for the problems customers ask about most."),
    ("integrations", "Integrations & API", "Connect other tools and automate with the API."),
)

#: (category slug, state, title, tags, Markdown body)
ARTICLES = (
    ("getting-started", "published", "Create your account and sign in for the first time",
     "account,sign-in", """\
Welcome! Setting up takes about five minutes.

1. Open the invitation email and click **Accept invitation**.
2. Choose a password of at least 12 characters.
3. Sign in at the address in the email and pick your time zone under **Profile**.

> Didn't get the email? Check your spam folder, then ask your administrator to resend it.

See also [Reset a forgotten password](/help/en/troubleshooting/reset-a-forgotten-password).
"""),
    ("getting-started", "published", "Invite your team", "team,users", """\
Administrators can invite colleagues from **Settings → Users**.

- Enter one email address per line to invite several people at once.
- Pick a role for each: *Member* can work on projects, *Admin* can also manage billing.
- Invitations expire after **7 days**; you can resend them from the same page.

Removing someone keeps everything they created; only their access ends.
"""),
    ("getting-started", "published", "Import your existing data", "import,csv", """\
You can import records from a **CSV file** (UTF-8, comma separated, first row = column names).

| Column | Required | Example |
|---|---|---|
| name | yes | Acme Ltd |
| email | no | billing@acme.example |
| created | no | 2024-03-01 |

Imports of more than 50,000 rows run in the background; you'll get an email when they finish.
"""),
    ("account-billing", "published", "Change your plan", "billing,plans", """\
Go to **Settings → Billing → Plan** and choose **Change plan**.

- **Upgrades** apply at once; you pay the difference for the rest of the period.
- **Downgrades** take effect at the next renewal, so you keep what you paid for.

Annual plans save 15% compared with paying monthly.
"""),
    ("account-billing", "published", "Download invoices and receipts", "billing,invoice", """\
Every invoice is under **Settings → Billing → Invoices** as a PDF.

To add your VAT number or a purchase order reference to future invoices, edit **Billing details**.
Invoices already issued can't be changed, but we can credit and reissue one: open a request with
the invoice number.
"""),
    ("account-billing", "published", "Request a refund", "billing,refund", """\
We refund any payment made in the **last 30 days** if you are not happy.

1. Open a request with the subject *Refund* and the invoice number.
2. Tell us briefly why — it helps us improve.
3. Refunds reach your card in **5 to 10 business days** depending on your bank.

Annual plans cancelled after 30 days are refunded pro rata for whole unused months.
"""),
    ("account-billing", "published", "Update your payment card", "billing,payment", """\
Open **Settings → Billing → Payment method** and choose **Replace card**.

If a payment failed, we retry it automatically after 3 and 7 days. Updating the card retries
the open invoice at once, so your account stays active.
"""),
    ("troubleshooting", "published", "Reset a forgotten password", "password,sign-in", """\
1. On the sign-in page choose **Forgot password?**
2. Enter your email address; a reset link arrives within a few minutes.
3. The link works **once, for one hour**.

Still nothing? Your account may use single sign-on: sign in with your company's provider instead.
"""),
    ("troubleshooting", "published", "The app is slow or doesn't load", "performance,browser", """\
Most loading problems are fixed by one of these, in order:

1. Check our status page for an ongoing incident.
2. Reload with the cache skipped: `Ctrl+Shift+R` (Windows, Linux) or `Cmd+Shift+R` (Mac).
3. Try a private window — if that works, a browser extension is the cause.
4. Make sure your browser is one of the last two versions of Chrome, Firefox, Safari or Edge.

If it is still slow, open a request with the time it happened and a screenshot of the browser's
console (`F12` → *Console*).
"""),
    ("troubleshooting", "published", "Emails from us are not arriving", "email,notifications", """\
- Look in the spam or junk folder and mark our message as *not spam*.
- Ask your IT team to allow mail from our domain.
- Check **Profile → Notifications**: a switched-off notification sends nothing.

Bounced addresses are paused after three failures; saving your profile again resumes them.
"""),
    ("integrations", "published", "Create an API token", "api,tokens", """\
API tokens let scripts act on your behalf.

1. Go to **Profile → API tokens** and choose **New token**.
2. Name it after where it will be used (e.g. *Nightly export*) and copy it: it is shown once.
3. Send it as a header: `Authorization: Bearer <token>`.

```bash
curl -H "Authorization: Bearer $TOKEN" https://example.test/api/v1/me
```

Revoke a token at any time; requests using it fail at once.
"""),
    ("integrations", "published", "Connect Slack", "slack,integrations", """\
With the Slack integration, new activity is posted to a channel of your choice.

1. **Settings → Integrations → Slack → Connect**, then approve the permissions in Slack.
2. Pick the channel and which events to post.

Only public channels and private channels the app was invited to are listed.
"""),
    ("troubleshooting", "internal", "Escalation checklist for agents", "internal,escalation", """\
*Internal: not shown to customers.*

Before escalating a ticket to **Technical**:

- [ ] Reproduced the problem, or noted why you couldn't
- [ ] Browser, app version and the customer's account ID in an internal note
- [ ] Screenshots or the console log attached
- [ ] Priority set: **urgent** only for outages affecting a whole account

Refund over 500 €? Ask a manager in **Billing** to approve before replying.
"""),
    ("integrations", "draft", "Webhooks: sign and verify payloads", "api,webhooks", """\
*Draft — waiting for the engineering review.*

Every webhook request carries an `X-Signature` header: an HMAC-SHA256 of the body with your
webhook secret. Compare it in constant time before trusting the payload.
"""),
)  # fmt: skip

#: Subjects customers typed before an article answered them (deflected requests).
DEFLECTED_SUBJECTS = (
    "How do I reset my password",
    "refund for last invoice",
    "cannot download invoice",
    "page not loading",
    "where is my api key",
    "not receiving emails",
    "change to annual plan",
    "add my colleague",
)
