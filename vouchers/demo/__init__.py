"""Demo data: the brief's programmes as data (`brief_programmes`) and the idempotent
loader behind `manage.py load_demo` (`loader`). Everything is built through the services."""
