"""Live chat for Helpline: an embeddable widget, an agent console, every chat a ticket."""
