"""The work-order screens: lists, the order window, step forms, signature pad, printing."""
