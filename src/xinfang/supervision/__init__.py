"""督查督办: inboxes (待办), saved views, supervision records and rankings."""
