/* bd-fingerprint-dbus.h: the private D-Bus interface between the isolated
 * fingerprint service (bd-fingerprint-remote.c) and its helper process
 * (src/helper).  Peer to peer over a socketpair: no bus, no name.
 *
 * Every operation carries an id the client chooses; Event signals name it,
 * and Cancel(id) cancels it.  Templates travel as byte arrays.  Errors are
 * BD_FINGERPRINT_ERROR codes, mapped to D-Bus error names in
 * bd_fingerprint_error_quark.
 */
#pragma once

#define BD_FP_DBUS_PATH "/org/borderdesk/Fingerprint"
#define BD_FP_DBUS_IFACE "org.borderdesk.Fingerprint1"

#define BD_FP_DBUS_XML \
  "<node>" \
  " <interface name='" BD_FP_DBUS_IFACE "'>" \
  "  <method name='ListReaders'>" \
  "   <arg direction='out' type='a(sssbib)'/>" \
  "  </method>" \
  "  <method name='SetTimeout'><arg direction='in' type='u'/></method>" \
  "  <method name='Open'><arg type='u'/><arg type='s'/></method>" \
  "  <method name='Close'><arg type='u'/><arg type='s'/></method>" \
  "  <method name='Enroll'>" \
  "   <arg direction='in' type='u'/><arg direction='in' type='s'/>" \
  "   <arg direction='in' type='i'/>" \
  "   <arg direction='out' type='ay'/><arg direction='out' type='s'/>" \
  "  </method>" \
  "  <method name='Verify'>" \
  "   <arg direction='in' type='u'/><arg direction='in' type='s'/>" \
  "   <arg direction='in' type='ay'/><arg direction='out' type='b'/>" \
  "  </method>" \
  "  <method name='Identify'>" \
  "   <arg direction='in' type='u'/><arg direction='in' type='s'/>" \
  "   <arg direction='in' type='aay'/><arg direction='out' type='i'/>" \
  "  </method>" \
  "  <method name='Cancel'><arg direction='in' type='u'/></method>" \
  "  <signal name='Event'>" \
  "   <arg type='u'/><arg type='i'/><arg type='i'/><arg type='i'/><arg type='i'/>" \
  "  </signal>" \
  " </interface>" \
  "</node>"
