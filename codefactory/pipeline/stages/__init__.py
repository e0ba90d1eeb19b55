"""The stages of the flow, in order: sources (read, select), tests (inputs, oracle suite),
generation (prompts, candidates), judge (parsed, verified)."""
