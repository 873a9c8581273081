"""The sandbox APIs: VK API, VK Ads and Yandex Direct on 127.0.0.1, speaking their protocols with
deterministic data that matches the demo shop; tests inject faults through them."""
