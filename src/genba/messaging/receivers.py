"""Signal receivers of the messaging app: notifications and SLA clocks listen to transitions."""
