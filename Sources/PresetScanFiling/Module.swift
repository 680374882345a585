// The filing-number grammar arrives with issue 3.
