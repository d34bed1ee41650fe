"""差评整改: the department's list of 差评 with their deadlines, the forms of the loop, the appeal review."""
