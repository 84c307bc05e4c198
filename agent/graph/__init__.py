"""The stylist graph (LangGraph): build.py wires load_context → infer_goal → plan ⇄ tools → compose;
nodes.py holds the nodes, typed with the state and `Runtime[StylistContext]` (context.py); the
reservation step, the tool facts and the checkpointer live beside them."""
