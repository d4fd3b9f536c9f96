"""The customer list's query language: what a filter is (:mod:`.filters`), how the
search box matches (:mod:`.text_search`), and both as SQL (:mod:`.conditions`).
The service that runs them is :mod:`kamdesk.services.customer_list`."""
