"""Helpers the portal's pages share."""

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


def shown_once(request, template: str, context: dict):
    """A page holding a secret (a new key, a signing secret): never cached, by the
    browser or anything between, so going back or reloading cannot show it again."""
    response = render(request, template, context)
    add_never_cache_headers(response)
    return response
