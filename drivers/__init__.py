"""Hall device drivers: codecs, transports, drivers and simulators. Qt only under drivers/qt/."""
