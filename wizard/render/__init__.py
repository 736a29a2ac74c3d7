"""Text every face shows the same way: the plan, the doctor's report, the JSON envelope.

Pure: values in, lines or documents out. The CLI, the plain prompts and the full-screen app
all import from here, so none of them words a plan or a finding on its own.
"""
