"""Reading English: sentences, wording and its hedges, quantities, word stems, and did-you-mean."""
