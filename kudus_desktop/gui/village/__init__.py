"""The village's desk: participants, their form and table model, approval, import, premiums
and the bill, printing, the review list."""
