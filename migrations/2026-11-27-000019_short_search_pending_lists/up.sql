-- New rows reach a GIN index through its pending list, which every search
-- through the index reads in full until it is merged. At the default 4 MB a
-- fresh import left thousands of customers' trigrams there, and e-mail and
-- digit searches (always through customers_search) took twice as long as the
-- others until autovacuum came by. Merged at 512 kB, the list stays short.
ALTER INDEX customers_search SET (gin_pending_list_limit = 512);
ALTER INDEX customers_tags SET (gin_pending_list_limit = 512);
ALTER INDEX customers_auto_tags SET (gin_pending_list_limit = 512);
