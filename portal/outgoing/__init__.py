"""Outgoing HTTP calls of the portal, all through one guard (`portal.outgoing.guard`): https to
public addresses only, checked on the address actually connected to. The front stays empty so
the processes that import it stay light."""
