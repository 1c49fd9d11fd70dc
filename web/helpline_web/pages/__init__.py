"""Server-rendered pages: agent workspace, customer portal, admin."""

PAGE_ROUTES: list = []
