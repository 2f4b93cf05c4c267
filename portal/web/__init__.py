"""What every page shares: templates and fragments, errors, security headers, formatting."""

from portal.web.templating import page, redirect, wants_fragment

__all__ = ["page", "redirect", "wants_fragment"]
