"""A source sentence and its correct French translation, shared by the check and retry tests."""

SOURCE = (
    "The committee met on Tuesday to discuss the new budget, which includes more money for schools "
    "and hospitals in the northern region."
)
FRENCH = (
    "Le comité s'est réuni mardi pour discuter du nouveau budget, qui prévoit davantage d'argent pour "
    "les écoles et les hôpitaux de la région du nord."
)
