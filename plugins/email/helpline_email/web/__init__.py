"""The plugin's pages, mounted under /p/email/ (imported only by the web application)."""

from helpline_email.web.admin_mailboxes import ROUTES as MAILBOX_ROUTES
from helpline_email.web.admin_queues import ROUTES as QUEUE_ROUTES
from helpline_email.web.admin_templates import ROUTES as TEMPLATE_ROUTES
from helpline_email.web.ticket_routes import ROUTES as TICKET_ROUTES

ROUTES = [*MAILBOX_ROUTES, *QUEUE_ROUTES, *TEMPLATE_ROUTES, *TICKET_ROUTES]
