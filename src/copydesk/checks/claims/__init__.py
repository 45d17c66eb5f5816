"""Unsupported claims: research appeals, statistics, generalisations, causal/health claims,
vague attribution and hedges that lack a source."""
