"""Access control: who a request speaks for, and what that role may read and write."""
