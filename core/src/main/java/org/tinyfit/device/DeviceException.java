package org.tinyfit.device;

/** A mistake in a devices file or a device name the user gave; the message is one line saying what and where. */
public class DeviceException extends RuntimeException {
    public DeviceException(String message) { super(message); }
}
