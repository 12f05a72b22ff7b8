"""The site shell: layout, sign-in, language, public notice board."""
