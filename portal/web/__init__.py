"""What every page shares: templates and fragments, errors, security headers, formatting."""

from portal.web.redirects import redirect, redirect_off_site, same_site_path
from portal.web.templating import page, wants_fragment

__all__ = ["page", "redirect", "redirect_off_site", "same_site_path", "wants_fragment"]
