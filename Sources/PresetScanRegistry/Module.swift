// The registry snapshot arrives with issue 6.
