"""Tradeflow fulfillment service: Shipments, carriers, WMS/TMS progress, virtual entitlements and interception."""
