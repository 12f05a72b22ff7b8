"""Pages of the site shell: home, sign-in confirmation, the public notice board."""
