"""The customer file window (大客户档案): one account on one screen, with its tabs and
the dialogs that change it. Open it with :class:`~.window.CustomerFileWindow`."""
