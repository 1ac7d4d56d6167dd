"""One test per reported defect (issue number and the report's words in each docstring), as
pySHACL keeps them: the defect stays fixed however the code around it changes."""
