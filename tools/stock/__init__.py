"""Where things are: stock per size online and per store (availability.py), the store directory
and distances (stores.py), stock updates from the retailer (inventory.py) and reserve-for-pickup
(reservations.py). The local inventory feed export lives in tools/catalog/exports: it reads the
held units (`inventory.reserved`) this room keeps."""
