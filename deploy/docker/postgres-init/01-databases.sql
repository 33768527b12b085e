-- One database per service (tradeflow_kit.settings.database_name), owned by the `tradeflow`
-- role the postgres image creates. The image runs this once, when its data volume is empty.
CREATE DATABASE tradeflow_order;
CREATE DATABASE tradeflow_payment;
CREATE DATABASE tradeflow_inventory;
CREATE DATABASE tradeflow_fulfillment;
CREATE DATABASE tradeflow_after_sales;
CREATE DATABASE tradeflow_channel_adapter;
