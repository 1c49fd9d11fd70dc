"""Knowledge base for Helpline: articles, a public help centre, deflection and agent suggestions."""
