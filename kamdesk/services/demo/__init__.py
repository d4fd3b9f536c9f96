"""Deterministic demo data at any scale: ``generate_demo(engine, DemoSpec(...))``.

One Hangzhou branch with staff of every role, key accounts with their whole customer
file, and a year of work orders whose events follow the domain's state machine. See
:mod:`.generate` for the guarantees and :mod:`.loader` for how a million orders load
in minutes.
"""

from kamdesk.services.demo.generate import generate_demo
from kamdesk.services.demo.spec import DEFAULT_NOW, DemoSpec, DemoSummary

__all__ = ["DEFAULT_NOW", "DemoSpec", "DemoSummary", "generate_demo"]
