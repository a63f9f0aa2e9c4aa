ALTER INDEX customers_auto_tags RESET (gin_pending_list_limit);
ALTER INDEX customers_tags RESET (gin_pending_list_limit);
ALTER INDEX customers_search RESET (gin_pending_list_limit);
