"""Foster carers (assistants familiaux): capacity, recruitment funnel, projection, attrition scores."""
