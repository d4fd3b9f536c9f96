"""The sync page, its conflict inbox and the scheduler of sync rounds."""
