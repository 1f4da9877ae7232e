"""The example responses of the GeoReport v2 specification (wiki.open311.org/GeoReport_v2
and /Service_Discovery) in XML, their elements verbatim (long texts shortened). The JSON
examples there are not valid JSON (numbers like 001), and the spec defines JSON as the
programmatic mapping of the XML.
Tests compare our element names, their order and nesting with these."""

from xml.etree import ElementTree as ET

DISCOVERY = """<?xml version="1.0" encoding="UTF-8"?>
<discovery>
    <changeset>2011-02-03 14:18</changeset>
    <contact>You can email or call for assistance api@mycity.org +1 (555) 555-5555</contact>
    <key_service>You can request a key here: http://api.mycity.gov/api_key/request</key_service>
    <endpoints>
        <endpoint>
            <specification>http://wiki.open311.org/GeoReport_v2</specification>
            <url>http://open311.mycity.gov/v2</url>
            <changeset>2010-11-23 09:01</changeset>
            <type>production</type>
            <formats>
                <format>text/xml</format>
            </formats>
        </endpoint>
    </endpoints>
</discovery>"""

SERVICES = """<?xml version="1.0" encoding="utf-8"?>
<services>
    <service>
        <service_code>001</service_code>
        <service_name>Cans left out 24x7</service_name>
        <description>Garbage or recycling cans that have been left out for more than 24 hours.</description>
        <metadata>true</metadata>
        <type>realtime</type>
        <keywords>lorem, ipsum, dolor</keywords>
        <group>sanitation</group>
    </service>
</services>"""

SERVICE_DEFINITION = """<?xml version="1.0" encoding="utf-8"?>
<service_definition>
    <service_code>DMV66</service_code>
    <attributes>
        <attribute>
            <variable>true</variable>
            <code>WHISHETN</code>
            <datatype>singlevaluelist</datatype>
            <required>true</required>
            <datatype_description></datatype_description>
            <order>1</order>
            <description>What is the ticket/tag/DL number?</description>
            <values>
                <value>
                    <key>123</key>
                    <name>Ford</name>
                </value>
                <value>
                    <key>124</key>
                    <name>Chrysler</name>
                </value>
            </values>
        </attribute>
    </attributes>
</service_definition>"""

POST_RESPONSE = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>293944</service_request_id>
        <service_notice>The City will inspect within 24 hours</service_notice>
        <account_id/>
    </request>
</service_requests>"""

TOKEN = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <token>12345</token>
    </request>
</service_requests>"""

REQUESTS = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <status>closed</status>
        <status_notes>Duplicate request.</status_notes>
        <service_name>Sidewalk and Curb Issues</service_name>
        <service_code>006</service_code>
        <description></description>
        <agency_responsible></agency_responsible>
        <service_notice></service_notice>
        <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
        <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
        <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
        <address>8TH AVE and JUDAH ST</address>
        <address_id>545483</address_id>
        <zipcode>94122</zipcode>
        <lat>37.762221815</lat>
        <long>-122.4651145</long>
        <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg </media_url>
    </request>
</service_requests>"""

ERRORS = """<?xml version="1.0" encoding="utf-8"?>
<errors>
    <error>
        <code>403</code>
        <description>Invalid api_key received -- can't proceed with create_request.</description>
    </error>
</errors>"""


def tree(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode())  # noqa: S314 - the constants above


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def is_ordered_subset(ours: list[str], theirs: list[str]) -> bool:
    """Every name of ours is one of the spec's, in the spec's order."""
    positions = [theirs.index(name) for name in ours if name in theirs]
    return len(positions) == len(ours) and positions == sorted(positions)
