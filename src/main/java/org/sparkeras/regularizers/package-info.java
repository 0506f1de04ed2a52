/** Weight penalties added to the loss: L1, L2 and L1L2, by Keras name ("l1", "l2", "l1_l2"). */
package org.sparkeras.regularizers;
