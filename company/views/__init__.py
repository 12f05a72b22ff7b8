"""The company portal's pages: one thin view per page, fetching through company.access,
parsing with company.forms and deciding in the services."""
