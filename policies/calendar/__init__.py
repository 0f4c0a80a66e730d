"""Indonesian working days: weekends, national holidays, cuti bersama and the region's own days off."""
