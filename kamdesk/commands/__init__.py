"""Command-line verbs for branch IT and scripts, one module per area.

Each module offers ``register(sub)`` adding its sub-commands to ``kamdesk``'s parser;
handlers return the process exit status and print in the user's language. No Qt here.
"""
