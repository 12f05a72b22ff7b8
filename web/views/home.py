from django.shortcuts import render

from web.portals import portals_for


def home(request):
    """What the platform is, for a visitor; the portals open to a signed-in user."""
    portals = portals_for(request.user.memberships.all()) if request.user.is_authenticated else []
    return render(request, "web/home.html", {"portals": portals})
