"""The customer file (大客户档案): read one account whole, and change it one action at a
time. See :class:`~kamdesk.services.customer_file.service.CustomerFileService`.

Modules: ``vocabulary`` (codes and labels), ``drafts`` (form input), ``validation``
(problems per field), ``views`` (what reads return), ``guards`` (who may change
what), ``overview``/``sections``/``history`` (reading), ``customers``/``people``/
``activities``/``complaints``/``deals`` (writing), ``months`` (agreement months).
"""
